/*
 * Ranking findings by a score a reader can check: the rule's weight (how
 * directly its evidence proves the cause), a bonus when the evidence is
 * the failure the program itself reported (or died on), a bonus per
 * further artifact that agrees, and the penalties of the input checks
 * that found the bundle unable to show it fully.  Each part is kept for
 * the report.
 */
#ifndef MKPM_RANK_H
#define MKPM_RANK_H

#include <sqlite3.h>

#include "eval.h"

#define RANK_REPORTED_BONUS 0.30	/* the program reported this very failure */
#define RANK_EXITED_BONUS 0.10		/* the process exited non-zero after it */
#define RANK_NEAR_BONUS 0.05		/* a reported failure came soon after it */
#define RANK_NEAR_SECONDS 5.0
#define RANK_ARTIFACT_BONUS 0.05	/* per further artifact that agrees */
#define RANK_ARTIFACT_MAX 0.15
#define RANK_SCORE_MAX 0.99
#define RANK_SCORE_MIN 0.01		/* input checks never hide a finding */

/* Scores, sorts (rank 1 = most likely) and explains every finding. */
void rank_findings(sqlite3 *db, struct finding_list *fl);
/* "high", "medium" or "low" for a score. */
const char *rank_confidence(double score);

#endif
