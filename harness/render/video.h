/* bk_video: MP4 videos of episodes, one RGB frame per control step, through FFmpeg's
 * libavcodec/libavformat: H.264 (libx264, yuv420p, CRF 23) where Debian's libavcodec has
 * it, MPEG-4 Part 2 otherwise. The file is written under a temporary name in the same
 * folder and renamed on close, so a final name never holds a half-written video; an
 * aborted or failed video leaves nothing behind. One writer belongs to one thread. */
#ifndef BK_RENDER_VIDEO_H
#define BK_RENDER_VIDEO_H

#define BK_VIDEO_FPS 20   /* one frame per 20 Hz control step */

typedef struct bk_video bk_video_t;

/* 1 when bokbo was built with FFmpeg (libavcodec-dev libavformat-dev libavutil-dev
 * libswscale-dev), else 0. */
int bk_video_available(void);

/* Opens a video of width x height (both even) at fps frames per second, to become path
 * (its extension picks the container: .mp4, .mkv, .avi) on close. Returns NULL with err
 * filled: not built with FFmpeg (naming the packages), odd size, no encoder, or an
 * unwritable folder. */
bk_video_t* bk_video_open(const char* path, int width, int height, int fps, char* err,
                          int err_sz);

/* Appends one frame (width*height*3 bytes, RGB, top row first). 0, or BK_EIO with err. */
int bk_video_write(bk_video_t* v, const unsigned char* rgb, char* err, int err_sz);

/* Finishes the file, syncs it and renames it to final_path (NULL: the path given to
 * bk_video_open), replacing nothing it should not: the caller chooses unique names.
 * Frees v in every case. 0, or BK_EIO with err (the temporary file is then removed). */
int bk_video_close(bk_video_t* v, const char* final_path, char* err, int err_sz);

/* Drops the video: frees v and removes its temporary file; NULL is fine. */
void bk_video_abort(bk_video_t* v);

/* The encoder in use ("libx264" or "mpeg4") and the frames written so far. */
const char* bk_video_codec(const bk_video_t* v);
int bk_video_frames(const bk_video_t* v);

/* "<suite>_task<T>_init<I>_seed<S>_<success|failure>.<ext>": the file name of an
 * episode's video or frame folder (ext NULL or "": no extension), unique per episode. */
void bk_video_name(char* buf, int sz, const char* suite, int task, int init, int seed,
                   int success, const char* ext);

#endif
