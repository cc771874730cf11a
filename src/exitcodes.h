/*
 * Exit codes of every citus-rescue command, documented under EXIT STATUS
 * in man/citus-rescue.1.in.  Scripts depend on these numbers: never
 * renumber, only add.
 */
#ifndef CITUS_RESCUE_EXITCODES_H
#define CITUS_RESCUE_EXITCODES_H

#define EXIT_CODE_OK					0	/* all reachable, all agree */
#define EXIT_CODE_INTERNAL				1	/* unexpected failure (out of memory, I/O) */
#define EXIT_CODE_BAD_USAGE				2	/* bad options or arguments */
#define EXIT_CODE_FIRST_NODE			3	/* first node unreachable, not a Citus worker, or a standby */
#define EXIT_CODE_NODE_UNREACHABLE		4	/* at least one node in pg_dist_node did not answer */
#define EXIT_CODE_METADATA_DISAGREES	5	/* reachable nodes hold different metadata */
#define EXIT_CODE_COORDINATOR_ALIVE		6	/* the old coordinator still answers */
#define EXIT_CODE_ABORTED				10	/* stopped before changing anything */
#define EXIT_CODE_PARTIAL				11	/* stopped after a partial change: run again to resume */
#define EXIT_CODE_NO_RECORD				12	/* report: the work directory holds nothing to report on */
#define EXIT_CODE_VERIFY_FIRST			20	/* verify: 20 + the number of the first failed check */

#endif
