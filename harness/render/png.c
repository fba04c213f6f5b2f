#include <png.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "render/render.h"

// write the rows of an RGB image through libpng; 0 on success
static int write_rows(FILE* f, const unsigned char* rgb, int width, int height) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  if (!png || !info) {
    png_destroy_write_struct(&png, &info);
    return -1;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return -1;
  }
  png_init_io(png, f);
  png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, PNG_COLOR_TYPE_RGB,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < height; y++) {
    png_write_row(png, (png_const_bytep)(rgb + (size_t)y * width * 3));
  }
  png_write_end(png, NULL);
  png_destroy_write_struct(&png, &info);
  return 0;
}

int bk_png_write(const char* path, const unsigned char* rgb, int width, int height,
                 char* err, int err_sz) {
  char tmp[4096];
  FILE* f = bk_atomic_open(path, tmp, sizeof tmp, err, err_sz);
  if (!f) return BK_EIO;
  return bk_atomic_commit(f, tmp, path, write_rows(f, rgb, width, height), err, err_sz);
}
