/* bk_recorder: a video (MP4) or a folder of PNG frames per episode, with an overlay
 * (step, decision, chosen risk, force readings coloured by violation).
 *
 * One recorder per worker thread (it owns a GL context). Frames go to a temporary name;
 * when the episode ends the file or folder is renamed to
 * <suite>_task<T>_init<I>_seed<S>[_v<value>]_<success|failure>.mp4, so nothing is
 * overwritten and no half file carries a final name. */
#ifndef BK_RUN_RECORDER_H
#define BK_RUN_RECORDER_H

#include "run/episode.h"

typedef struct bk_recorder bk_recorder_t;

/* dir must exist; camera e.g. "agentview"; every >= 1; frames: PNGs instead of MP4. */
bk_recorder_t* bk_recorder_create(const char* dir, const char* camera, int every, int frames,
                                  int gl, int egl_device, int worker);
void bk_recorder_free(bk_recorder_t* rec);

/* The episode loop's on_step hook (arg = the recorder). */
void bk_recorder_step(void* arg, const struct bk_episode_ctx* ctx, const struct bk_episode* ep,
                      const bk_decision_t* dec);

/* Ends the episode's recording under its final name; returns 0 or a negative code with
 * err filled (the temporary output is removed). */
int bk_recorder_finish(bk_recorder_t* rec, const char* suite, double value, int has_value,
                       const bk_episode_t* ep, char* err, int err_sz);

#endif
