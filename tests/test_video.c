/* videos: a written MP4 decodes (same libraries) to the right frame count and size;
 * nothing appears under the final name before close; an aborted video leaves nothing */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "render/video.h"

#if BOKBO_HAVE_VIDEO
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#endif

#define W 96
#define H 64
#define NFRAME 25

static char err[512];

// a moving gradient, different every frame
static void pattern(unsigned char* rgb, int f) {
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      unsigned char* p = rgb + (y * W + x) * 3;
      p[0] = (unsigned char)(x * 2 + f * 5);
      p[1] = (unsigned char)(y * 3);
      p[2] = (unsigned char)(f * 9);
    }
}

#if BOKBO_HAVE_VIDEO
// decodes every frame of path; returns the count and the size of the first
static int decode(const char* path, int* w, int* h) {
  AVFormatContext* fc = NULL;
  if (avformat_open_input(&fc, path, NULL, NULL) < 0) return -1;
  avformat_find_stream_info(fc, NULL);
  int si = av_find_best_stream(fc, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
  const AVCodec* codec = avcodec_find_decoder(fc->streams[si]->codecpar->codec_id);
  AVCodecContext* cc = avcodec_alloc_context3(codec);
  avcodec_parameters_to_context(cc, fc->streams[si]->codecpar);
  avcodec_open2(cc, codec, NULL);
  AVPacket* pkt = av_packet_alloc();
  AVFrame* fr = av_frame_alloc();
  int n = 0;
  // read packets, then flush the decoder with a NULL packet
  for (int more = 1; more;) {
    int rc = av_read_frame(fc, pkt);
    if (rc < 0) more = 0;
    if (rc >= 0 && pkt->stream_index != si) {
      av_packet_unref(pkt);
      continue;
    }
    avcodec_send_packet(cc, rc >= 0 ? pkt : NULL);
    while (avcodec_receive_frame(cc, fr) == 0) {
      if (n++ == 0) {
        *w = fr->width;
        *h = fr->height;
      }
    }
    av_packet_unref(pkt);
  }
  av_frame_free(&fr);
  av_packet_free(&pkt);
  avcodec_free_context(&cc);
  avformat_close_input(&fc);
  return n;
}
#endif

static void skip_without_ffmpeg(void) {
  if (!bk_video_available()) cr_skip_test("built without FFmpeg");
}

Test(video, written_video_decodes_to_its_frames_and_size, .init = skip_without_ffmpeg) {
#if BOKBO_HAVE_VIDEO
  char dir[] = "/tmp/bokbo_test_video_dir_XXXXXX", path[256];
  cr_assert_not_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/decode.mp4", dir);
  bk_video_t* v = bk_video_open(path, W, H, BK_VIDEO_FPS, err, sizeof err);
  cr_assert_not_null(v, "%s", err);
  static unsigned char rgb[W * H * 3];
  for (int f = 0; f < NFRAME; f++) {
    pattern(rgb, f);
    cr_assert_eq(bk_video_write(v, rgb, err, sizeof err), 0, "%s", err);
  }
  cr_expect_neq(access(path, F_OK), 0, "the final name exists before close");
  cr_expect_eq(bk_video_frames(v), NFRAME);
  cr_log_info("codec %s", bk_video_codec(v));
  cr_assert_eq(bk_video_close(v, NULL, err, sizeof err), 0, "%s", err);
  int w = 0, h = 0;
  cr_expect_eq(decode(path, &w, &h), NFRAME);
  cr_expect_eq(w, W);
  cr_expect_eq(h, H);
  unlink(path);
  rmdir(dir);
#endif
}

Test(video, close_renames_to_the_final_name_given_then, .init = skip_without_ffmpeg) {
  char dir[] = "/tmp/bokbo_test_video_dir_XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  char path[256], final[256];
  snprintf(path, sizeof path, "%s/episode.mp4", dir);
  char name[128];
  bk_video_name(name, sizeof name, "libero_spatial", 3, 7, 0, 1, "mp4");
  cr_expect_str_eq(name, "libero_spatial_task3_init7_seed0_success.mp4");
  snprintf(final, sizeof final, "%s/%s", dir, name);
  bk_video_t* v = bk_video_open(path, W, H, BK_VIDEO_FPS, err, sizeof err);
  cr_assert_not_null(v, "%s", err);
  static unsigned char rgb[W * H * 3];
  pattern(rgb, 0);
  cr_assert_eq(bk_video_write(v, rgb, err, sizeof err), 0, "%s", err);
  cr_assert_eq(bk_video_close(v, final, err, sizeof err), 0, "%s", err);
  cr_expect_eq(access(final, F_OK), 0);
  cr_expect_neq(access(path, F_OK), 0);
  unlink(final);
  rmdir(dir);
}

Test(video, aborted_video_leaves_no_file, .init = skip_without_ffmpeg) {
  char dir[] = "/tmp/bokbo_test_video_dir_XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  char path[256];
  snprintf(path, sizeof path, "%s/x.mp4", dir);
  bk_video_t* v = bk_video_open(path, W, H, BK_VIDEO_FPS, err, sizeof err);
  cr_assert_not_null(v, "%s", err);
  static unsigned char rgb[W * H * 3];
  pattern(rgb, 1);
  bk_video_write(v, rgb, err, sizeof err);
  bk_video_abort(v);
  cr_expect_eq(rmdir(dir), 0, "the folder is not empty after abort");
}

Test(video, bad_size_and_unwritable_folder_are_errors, .init = skip_without_ffmpeg) {
  cr_expect_null(bk_video_open("/tmp/odd.mp4", 95, 64, 20, err, sizeof err));
  cr_expect(strstr(err, "even") != NULL, "%s", err);
  cr_expect_null(bk_video_open("/nonexistent/dir/x.mp4", W, H, 20, err, sizeof err));
  cr_expect(strstr(err, "/nonexistent/dir/x.mp4") != NULL, "%s", err);
}
