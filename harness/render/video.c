#include "render/video.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"

void bk_video_name(char* buf, int sz, const char* suite, int task, int init, int seed,
                   int success, const char* ext) {
  snprintf(buf, sz, "%s_task%d_init%d_seed%d_%s%s%s", suite, task, init, seed,
           success ? "success" : "failure", ext && *ext ? "." : "", ext ? ext : "");
}

#if BOKBO_HAVE_VIDEO

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
#include <pthread.h>

struct bk_video {
  char path[1024];           /* final name */
  char tmp[1040];            /* where it is written */
  int width, height, frames;
  AVFormatContext* oc;
  AVCodecContext* cc;
  AVStream* st;
  AVFrame* frame;
  AVPacket* pkt;
  struct SwsContext* sws;
  int header;                /* header written: the trailer is due */
};

int bk_video_available(void) { return 1; }

// FFmpeg's log level is process-wide: encoders' chatter off, errors still printed
static pthread_once_t g_log_once = PTHREAD_ONCE_INIT;
static void quiet_logs(void) { av_log_set_level(AV_LOG_ERROR); }

// the encoder: libx264 when present, MPEG-4 otherwise
static int open_codec(bk_video_t* v, int fps, char* err, int err_sz) {
  const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
  if (!codec) codec = avcodec_find_encoder(AV_CODEC_ID_MPEG4);
  if (!codec) return bk_fail(err, err_sz, BK_EIO, "no H.264 or MPEG-4 encoder in libavcodec");
  v->cc = avcodec_alloc_context3(codec);
  if (!v->cc) return BK_ENOMEM;
  v->cc->width = v->width;
  v->cc->height = v->height;
  v->cc->time_base = (AVRational){1, fps};
  v->cc->framerate = (AVRational){fps, 1};
  v->cc->pix_fmt = AV_PIX_FMT_YUV420P;
  v->cc->gop_size = 2 * fps;
  v->cc->thread_count = 1;  /* workers are the parallelism; also keeps output deterministic */
  if (v->oc->oformat->flags & AVFMT_GLOBALHEADER) v->cc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (codec->id == AV_CODEC_ID_H264) {
    av_opt_set(v->cc->priv_data, "preset", "veryfast", 0);
    av_opt_set(v->cc->priv_data, "crf", "23", 0);
  } else {
    v->cc->bit_rate = (int64_t)v->width * v->height * fps / 4;
  }
  int rc = avcodec_open2(v->cc, codec, NULL);
  if (rc < 0) return bk_fail(err, err_sz, BK_EIO, "%s: cannot open encoder %s: %s", v->path,
                             codec->name, av_err2str(rc));
  v->st = avformat_new_stream(v->oc, NULL);
  if (!v->st) return BK_ENOMEM;
  v->st->time_base = v->cc->time_base;
  v->st->avg_frame_rate = v->cc->framerate;
  return avcodec_parameters_from_context(v->st->codecpar, v->cc) < 0 ? BK_EIO : 0;
}

// the frame, packet and colour conversion
static int open_buffers(bk_video_t* v) {
  v->frame = av_frame_alloc();
  v->pkt = av_packet_alloc();
  if (!v->frame || !v->pkt) return BK_ENOMEM;
  v->frame->format = AV_PIX_FMT_YUV420P;
  v->frame->width = v->width;
  v->frame->height = v->height;
  if (av_frame_get_buffer(v->frame, 0) < 0) return BK_ENOMEM;
  v->sws = sws_getContext(v->width, v->height, AV_PIX_FMT_RGB24, v->width, v->height,
                          AV_PIX_FMT_YUV420P, SWS_BILINEAR, NULL, NULL, NULL);
  return v->sws ? 0 : BK_ENOMEM;
}

// a unique temporary name beside path
static int make_tmp(bk_video_t* v, char* err, int err_sz) {
  snprintf(v->tmp, sizeof v->tmp, "%s.XXXXXX", v->path);
  int fd = mkstemp(v->tmp);
  if (fd < 0) {
    v->tmp[0] = '\0';
    return bk_fail(err, err_sz, BK_EIO, "%s: cannot create the video file", v->path);
  }
  close(fd);
  return 0;
}

bk_video_t* bk_video_open(const char* path, int width, int height, int fps, char* err,
                          int err_sz) {
  pthread_once(&g_log_once, quiet_logs);
  if (width < 2 || height < 2 || width % 2 || height % 2 || fps < 1) {
    bk_fail(err, err_sz, BK_EINVAL, "%s: video size %dx%d must be even, fps %d positive", path,
            width, height, fps);
    return NULL;
  }
  const AVOutputFormat* fmt = av_guess_format(NULL, path, NULL);
  if (!fmt) {
    bk_fail(err, err_sz, BK_EINVAL, "%s: unknown video container (use .mp4, .mkv or .avi)", path);
    return NULL;
  }
  bk_video_t* v = calloc(1, sizeof *v);
  if (!v) return NULL;
  snprintf(v->path, sizeof v->path, "%s", path);
  v->width = width;
  v->height = height;
  int rc = make_tmp(v, err, err_sz);
  if (!rc && avformat_alloc_output_context2(&v->oc, fmt, NULL, v->tmp) < 0) rc = BK_ENOMEM;
  if (!rc) rc = open_codec(v, fps, err, err_sz);
  if (!rc) rc = open_buffers(v);
  if (!rc && avio_open(&v->oc->pb, v->tmp, AVIO_FLAG_WRITE) < 0) {
    rc = bk_fail(err, err_sz, BK_EIO, "%s: cannot write", v->tmp);
  }
  if (!rc && avformat_write_header(v->oc, NULL) < 0) {
    rc = bk_fail(err, err_sz, BK_EIO, "%s: cannot write the header", v->tmp);
  }
  if (rc) {
    if (rc == BK_ENOMEM) bk_fail(err, err_sz, rc, "%s: out of memory", path);
    bk_video_abort(v);
    return NULL;
  }
  v->header = 1;
  return v;
}

// sends f (NULL: flush) and writes every packet the encoder gives back
static int encode(bk_video_t* v, AVFrame* f) {
  int rc = avcodec_send_frame(v->cc, f);
  while (rc >= 0) {
    rc = avcodec_receive_packet(v->cc, v->pkt);
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return 0;
    if (rc < 0) break;
    av_packet_rescale_ts(v->pkt, v->cc->time_base, v->st->time_base);
    v->pkt->stream_index = v->st->index;
    rc = av_interleaved_write_frame(v->oc, v->pkt);
  }
  return rc;
}

int bk_video_write(bk_video_t* v, const unsigned char* rgb, char* err, int err_sz) {
  if (av_frame_make_writable(v->frame) < 0) return bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
  const uint8_t* src[1] = {rgb};
  const int stride[1] = {3 * v->width};
  sws_scale(v->sws, src, stride, 0, v->height, v->frame->data, v->frame->linesize);
  v->frame->pts = v->frames;
  int rc = encode(v, v->frame);
  if (rc < 0) return bk_fail(err, err_sz, BK_EIO, "%s: cannot encode frame %d: %s", v->tmp,
                             v->frames, av_err2str(rc));
  v->frames++;
  return 0;
}

// frees everything except the files
static void release(bk_video_t* v) {
  if (v->oc && v->oc->pb) avio_closep(&v->oc->pb);
  avformat_free_context(v->oc);
  avcodec_free_context(&v->cc);
  av_frame_free(&v->frame);
  av_packet_free(&v->pkt);
  sws_freeContext(v->sws);
  free(v);
}

// flush, trailer, close, fsync; 0 when the temporary file is complete on disk
static int finish(bk_video_t* v) {
  if (encode(v, NULL) < 0 || av_write_trailer(v->oc) < 0) return -1;
  v->header = 0;
  if (avio_closep(&v->oc->pb) < 0) return -1;
  int fd = open(v->tmp, O_RDONLY);
  int bad = fd < 0 || fsync(fd) != 0;
  if (fd >= 0) close(fd);
  return bad ? -1 : 0;
}

int bk_video_close(bk_video_t* v, const char* final_path, char* err, int err_sz) {
  const char* dest = final_path ? final_path : v->path;
  int rc = 0;
  if (finish(v) != 0) {
    rc = bk_fail(err, err_sz, BK_EIO, "%s: cannot finish the video (disk full?)", dest);
  } else if (rename(v->tmp, dest) != 0) {
    rc = bk_fail(err, err_sz, BK_EIO, "%s: cannot rename the finished video into place", dest);
  }
  if (rc) unlink(v->tmp);
  release(v);
  return rc;
}

void bk_video_abort(bk_video_t* v) {
  if (!v) return;
  if (v->tmp[0]) unlink(v->tmp);
  release(v);
}

const char* bk_video_codec(const bk_video_t* v) { return v->cc->codec->name; }
int bk_video_frames(const bk_video_t* v) { return v->frames; }

#else  /* built without FFmpeg */

#define BK_VIDEO_PACKAGES "libavcodec-dev libavformat-dev libavutil-dev libswscale-dev"

int bk_video_available(void) { return 0; }

bk_video_t* bk_video_open(const char* path, int width, int height, int fps, char* err,
                          int err_sz) {
  (void)width, (void)height, (void)fps;
  bk_fail(err, err_sz, BK_EIO, "%s: videos need FFmpeg: install %s and rebuild (or use --frames)",
          path, BK_VIDEO_PACKAGES);
  return NULL;
}

int bk_video_write(bk_video_t* v, const unsigned char* rgb, char* err, int err_sz) {
  (void)v, (void)rgb;
  return bk_fail(err, err_sz, BK_EIO, "videos not built in");
}

int bk_video_close(bk_video_t* v, const char* final_path, char* err, int err_sz) {
  (void)v, (void)final_path;
  return bk_fail(err, err_sz, BK_EIO, "videos not built in");
}

void bk_video_abort(bk_video_t* v) { (void)v; }
const char* bk_video_codec(const bk_video_t* v) { (void)v; return "none"; }
int bk_video_frames(const bk_video_t* v) { (void)v; return 0; }

#endif
