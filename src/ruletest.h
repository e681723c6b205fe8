/*
 * `mkpostmortem rules test`: runs each rule's own tests (the `tests:` key
 * of its file): analyses every test bundle once with the whole rule set
 * and checks the rule ranks, fires or stays absent as the test says.
 */
#ifndef MKPM_RULETEST_H
#define MKPM_RULETEST_H

#include <stdio.h>

#include "parser.h"
#include "rules.h"

/*
 * Tests the rules whose origin is at least min_origin (the directories
 * named on the command line; 0: all).  Prints a line per rule with tests
 * and a summary to out, problems to stderr.  Returns the number of failed tests (-1: could not run at all).
 */
long ruletest_run(const struct rule_set *rs, int min_origin,
    const struct limits *limits, FILE *out);

#endif
