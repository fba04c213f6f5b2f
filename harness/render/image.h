/* bk_image: pixel operations on packed RGB uint8 images (3 bytes per pixel, rows
 * top first, no padding). Pure functions: no GL, no allocation. */
#ifndef BK_RENDER_IMAGE_H
#define BK_RENDER_IMAGE_H

/* Reverses the row order in place (turns an OpenGL bottom-up readback top-down). */
void bk_image_vflip(unsigned char* rgb, int width, int height);

/* Rotates by 180 degrees in place: rows and columns both reversed (numpy
 * img[::-1, ::-1], what LIBERO's evaluators apply to robosuite's camera images). */
void bk_image_rot180(unsigned char* rgb, int width, int height);

/* Bytes of scratch bk_image_resize needs: dw * sh * 3. */
long bk_image_resize_scratch(int sw, int sh, int dw, int dh);

/* Resizes src (sw x sh) into dst (dw x dh) with an antialiased bilinear (triangle)
 * filter whose support widens with the reduction factor, separably: rows first, then
 * columns, rounding to uint8 between the passes (Pillow's Image.resize(BILINEAR), the
 * filter openpi's LIBERO client uses for 256 -> 224; values agree with Pillow to +-1).
 * scratch holds bk_image_resize_scratch() bytes. Deterministic: same input, same bytes.
 * Returns 0, or BK_EINVAL for a size below 1. Equal sizes copy. */
int bk_image_resize(const unsigned char* src, int sw, int sh, unsigned char* dst, int dw,
                    int dh, unsigned char* scratch);

/* Fills the rectangle [x, x+w) x [y, y+h), clipped to the image, with colour rgb. */
void bk_image_fill(unsigned char* img, int width, int height, int x, int y, int w, int h,
                   const unsigned char color[3]);

#endif
