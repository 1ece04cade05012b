/* gui_image.h — PNG and JPEG decoding through SDL_image, as an
 * ink_image_decoder (include/ink.h): the window's drops and --predict read
 * images through ink_image_load_with with it, so both decode alike and only
 * after the header's size passed ink_image_probe. */
#ifndef DIGITPAD_GUI_IMAGE_H
#define DIGITPAD_GUI_IMAGE_H

#include <stddef.h>

#include "ink.h"

/* An ink_image_decoder: decodes buf (a PNG or JPEG, by type: SDL_image's
 * IMG_LoadTyped_RW, never its guess from the content) into w×h grey floats
 * (ITU-R BT.601 luma; transparent pixels count as paper).  user is unused.
 * 0, or -1 with SDL_image's reason in err.  Needs no SDL_Init. */
int gui_decode_image(void *user, const unsigned char *buf, size_t len, ink_image_type type,
                     float **pix, int *w, int *h, char *err, size_t errlen);

/* A file dropped on the window, read as --predict reads it
 * (ink_image_load_with with gui_decode_image).  Messages name the file by
 * base (its name without the folder), as the status line does; a file of
 * no image format says "Not a model or image: BASE (...)".  0, or -1 with
 * the message in err. */
int gui_drop_image(const char *path, const char *base, float **pix, int *w, int *h, char *err,
                   size_t errlen);

#endif
