// Cairo's 2-D drawing API (image surfaces, text, PNG output), and its FreeType
// font faces with the FreeType calls that open a font file.
#include <cairo.h>
#include <cairo-ft.h>
