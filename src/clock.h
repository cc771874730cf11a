/* Time as the tool measures it (a monotonic clock) and records it (UTC). */
#ifndef CITUS_RESCUE_CLOCK_H
#define CITUS_RESCUE_CLOCK_H

#include <stdint.h>

/* Milliseconds on a monotonic clock. */
int64_t		monotonic_ms(void);
/* The same in microseconds, for timing a redraw */
int64_t		monotonic_us(void);

/* Now, UTC, ISO 8601 with milliseconds (malloc'd). */
char	   *timestamp_now(void);

#endif
