// Cairo's 2-D drawing API (image surfaces, text, PNG output).
#include <cairo.h>
