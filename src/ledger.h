/*
 * The ledger of what died with the coordinator: the catalogs and settings
 * only it kept, each with what the surviving workers show of it and
 * whether it is rebuilt from them, unknown, or to be restored from
 * backups.  Built from a snapshot alone, so the report, the plan header
 * and the wizard show one and the same table.
 */
#ifndef CITUS_RESCUE_LEDGER_H
#define CITUS_RESCUE_LEDGER_H

#include "snapshot.h"

typedef enum LedgerFate
{
	LEDGER_REBUILT,				/* the workers hold it; the plan rebuilds it from them */
	LEDGER_UNKNOWN,				/* no survivor knows what the coordinator had */
	LEDGER_RESTORE				/* only a backup of the old coordinator has it */
} LedgerFate;

typedef struct LedgerEntry
{
	const char *item;			/* stable: scripts match on it */
	const char *what;			/* what it is, for people */
	int64_t		count;			/* rows the workers hold, -1 when nothing counts */
	char	   *workers_show;	/* the evidence the survivors hold */
	LedgerFate	fate;
	char	   *advice;
} LedgerEntry;

typedef struct Ledger
{
	LedgerEntry *entries;
	int			count;
	int			workers;		/* survivors whose ledger facts were read */
} Ledger;

void		ledger_build(const ClusterSnapshot *snapshot, Ledger *ledger);
void		ledger_free(Ledger *ledger);
const char *ledger_fate_name(LedgerFate fate);

/* "ITEM: FATE; workers show: ...; ADVICE", one line, not made terminal-safe */
char	   *ledger_entry_line(const LedgerEntry *entry);

/*
 * Whether the workers' pg_dist_authinfo (pg_dist_poolinfo) can be copied
 * to a new coordinator: rows exist and every survivor read holds the same.
 */
bool		ledger_authinfo_copyable(const ClusterSnapshot *snapshot);
bool		ledger_poolinfo_copyable(const ClusterSnapshot *snapshot);

/* The settings worth setting again on a new coordinator */
extern const char *const ledger_key_settings;

#endif
