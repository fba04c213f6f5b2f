/* shard plans: every episode in exactly one shard, costs balanced, long tasks spread */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "run/runner.h"
#include "run/shard.h"
#include "sim/scenes.h"

// a run of `ntask` tasks with `per` episodes each, task t costing cost[t] per episode
static uint32_t* run_costs(const uint32_t* task_cost, int ntask, int per) {
  uint32_t* c = malloc(sizeof *c * (size_t)(ntask * per));
  for (int t = 0; t < ntask; t++) {
    for (int e = 0; e < per; e++) c[t * per + e] = task_cost[t];
  }
  return c;
}

// the plan's invariants for n shards: owners in range, LPT's bound on the load gap,
// the costliest task dealt as evenly as possible, and the same plan twice
static void check_plan(int nshard) {
  const uint32_t task_cost[] = {40, 3, 17, 3, 90, 8, 25, 3, 60, 11};
  const int ntask = 10, per = 12, n = ntask * per;
  uint32_t* cost = run_costs(task_cost, ntask, per);
  int *owner = malloc(sizeof *owner * n), *again = malloc(sizeof *again * n);
  cr_assert_eq(bk_shard_plan(cost, (size_t)n, nshard, owner), 0);
  cr_assert_eq(bk_shard_plan(cost, (size_t)n, nshard, again), 0);
  cr_expect_eq(memcmp(owner, again, sizeof *owner * n), 0, "the plan is deterministic");
  uint64_t load[8] = {0}, total = 0, sum = 0;
  int count[8] = {0}, heavy[8] = {0};
  for (int i = 0; i < n; i++) {
    cr_assert(owner[i] >= 0 && owner[i] < nshard, "episode %d: shard %d of %d", i, owner[i], nshard);
    load[owner[i]] += cost[i];
    count[owner[i]]++;
    if (i / per == 4) heavy[owner[i]]++;  // task 4 costs most
    total += cost[i];
  }
  uint64_t lo = UINT64_MAX, hi = 0;
  int hlo = n, hhi = 0, nsum = 0;
  for (int s = 0; s < nshard; s++) {
    lo = load[s] < lo ? load[s] : lo;
    hi = load[s] > hi ? load[s] : hi;
    hlo = heavy[s] < hlo ? heavy[s] : hlo;
    hhi = heavy[s] > hhi ? heavy[s] : hhi;
    sum += load[s];
    nsum += count[s];
  }
  cr_expect_eq(nsum, n, "every episode in exactly one shard");
  cr_expect_eq(sum, total);
  cr_expect_leq(hi - lo, 90, "shards %d: load gap %lu exceeds the largest episode cost", nshard,
                (unsigned long)(hi - lo));
  cr_expect_leq(hhi - hlo, 1, "shards %d: the costliest task's 12 episodes spread %d..%d", nshard, hlo, hhi);
  free(cost);
  free(owner);
  free(again);
}

Test(shard, one_shard_owns_everything) {
  const uint32_t task_cost[] = {5, 1, 9};
  uint32_t* cost = run_costs(task_cost, 3, 4);
  int owner[12];
  memset(owner, 0x7f, sizeof owner);
  cr_assert_eq(bk_shard_plan(cost, 12, 1, owner), 0);
  for (int i = 0; i < 12; i++) cr_expect_eq(owner[i], 0);
  free(cost);
  check_plan(1);
}

Test(shard, three_shards_balance_costs) { check_plan(3); }

Test(shard, seven_shards_balance_costs) { check_plan(7); }

// worked by hand: one long task (cost 10) and one short (cost 1), three episodes each
Test(shard, hand_worked_plans) {
  const uint32_t c[] = {10, 10, 10, 1, 1, 1};
  int owner[6];
  // 3 shards: one long and one short episode each (loads 11, 11, 11)
  cr_assert_eq(bk_shard_plan(c, 6, 3, owner), 0);
  const int want3[] = {0, 1, 2, 0, 1, 2};
  for (int i = 0; i < 6; i++) cr_expect_eq(owner[i], want3[i], "3 shards, episode %d", i);
  // 2 shards: long ones to 0,1,0 (loads 20,10), then the short ones to 1,1,1 (20,13), where
  // interleaving by index (k % 2) would give 21 and 12
  cr_assert_eq(bk_shard_plan(c, 6, 2, owner), 0);
  const int want2[] = {0, 1, 0, 1, 1, 1};
  for (int i = 0; i < 6; i++) cr_expect_eq(owner[i], want2[i], "2 shards, episode %d", i);
  // the short task first in the run's order: the long episodes still go first
  const uint32_t d[] = {1, 1, 1, 10, 10, 10};
  cr_assert_eq(bk_shard_plan(d, 6, 2, owner), 0);
  const int wantd[] = {1, 1, 1, 0, 1, 0};
  for (int i = 0; i < 6; i++) cr_expect_eq(owner[i], wantd[i], "short first, episode %d", i);
}

// more shards than episodes: the extra shards own nothing, nobody owns twice
Test(shard, more_shards_than_episodes) {
  const uint32_t c[] = {4, 4};
  int owner[2];
  cr_assert_eq(bk_shard_plan(c, 2, 7, owner), 0);
  cr_expect_eq(owner[0], 0);
  cr_expect_eq(owner[1], 1);
  cr_expect_eq(bk_shard_plan(c, 2, 0, owner), BK_EINVAL);
}

// the scene cost: collidable pairs plus degrees of freedom, never zero
Test(shard, scene_cost_counts_pairs) {
  cr_expect_eq(bk_shard_scene_cost(10, 7), 45 + 7);
  cr_expect_eq(bk_shard_scene_cost(0, 0), 1);
  cr_expect_eq(bk_shard_scene_cost(1, 3), 3);
}

// real runs: the shards of a run (N = 1, 3, 7) hold every (task, init) exactly once
static void run_shards(int nshard) {
  char dir[] = "/tmp/bokbo_shard_XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  int seen[2][4] = {{0}}, total = 0;
  for (int s = 0; s < nshard; s++) {
    bk_run_cfg_t c;
    memset(&c, 0, sizeof c);
    snprintf(c.suite, sizeof c.suite, "libero_spatial");
    c.ntask = 2;
    c.tasks[0] = 0;
    c.tasks[1] = 4;
    c.ninit = 4;
    for (int i = 0; i < 4; i++) c.inits[i] = i;
    c.nseed = 1;
    c.policy = bk_policy_find("expert");
    c.ep = (bk_episode_cfg_t){4, 4, 4, 1, NULL, NULL, 15.0};
    c.shift.axis = -1;
    c.threads = 1;
    c.progress = -1;
    c.shard = s;
    c.nshard = nshard;
    char out[300], path[400], line[8192], err[512];
    snprintf(out, sizeof out, "%s/part%d", dir, s);
    mkdir(out, 0755);
    c.out_dir = out;
    bk_run_summary_t sum;
    cr_assert_eq(bk_run(&c, &sum, err, sizeof err), 0, "%s", err);
    snprintf(path, sizeof path, "%s/episodes.jsonl", out);
    FILE* f = fopen(path, "r");
    int lines = 0;
    while (f && fgets(line, sizeof line, f)) {
      const char *t = strstr(line, "\"task\":"), *i = strstr(line, "\"init\":");
      cr_assert(t && i, "no task or init in %s", line);
      int task = atoi(t + 7), init = atoi(i + 7);
      cr_assert((task == 0 || task == 4) && init >= 0 && init < 4, "foreign episode %d/%d", task, init);
      seen[task == 4][init]++;
      lines++;
    }
    if (f) fclose(f);
    cr_expect_eq(lines, sum.total, "shard %d/%d: %d records, %d planned", s, nshard, lines, sum.total);
    total += lines;
    unlink(path);
    snprintf(path, sizeof path, "%s/run.json", out);
    unlink(path);
    rmdir(out);
  }
  rmdir(dir);
  cr_expect_eq(total, 8, "%d shards hold %d records", nshard, total);
  for (int t = 0; t < 2; t++) {
    for (int i = 0; i < 4; i++) cr_expect_eq(seen[t][i], 1, "%d shards: task %d init %d", nshard, t ? 4 : 0, i);
  }
}

Test(shard, runs_in_one_shard_hold_everything_once, .timeout = 300) { run_shards(1); }

Test(shard, runs_in_three_shards_hold_everything_once, .timeout = 300) { run_shards(3); }

Test(shard, runs_in_seven_shards_hold_everything_once, .timeout = 300) { run_shards(7); }

// measured costs: a task 20 times costlier than the others, which the scene proxy cannot
// see (every libero_spatial scene gets the same proxy), is balanced by a plan from the
// costs and not by the proxy's; both plans give every episode exactly one shard
Test(shard, measured_costs_balance_a_skew_the_proxy_misses, .timeout = 120) {
  const int tasks[] = {0, 1, 2, 3, 4}, ntask = 5, ninit = 4, nshard = 3, n = ntask * ninit;
  bk_world_t* worlds[BK_SUITE_NTASK] = {0};
  char err[1024];
  for (int i = 0; i < ntask; i++) {
    worlds[tasks[i]] = bk_scenes_world_file(NULL, "libero_spatial", tasks[i], NULL, err, sizeof err);
    cr_assert_not_null(worlds[tasks[i]], "%s", err);
  }
  bk_run_cfg_t c;
  memset(&c, 0, sizeof c);
  c.ntask = ntask, c.ninit = ninit, c.nseed = 1, c.nshard = nshard;
  for (int i = 0; i < ntask; i++) c.tasks[i] = tasks[i];
  for (int i = 0; i < ninit; i++) c.inits[i] = i;
  double costs[BK_SUITE_NTASK] = {20, 1, 1, 1, 1};  // task 0: 20 x the others
  int *proxy = NULL, *measured = NULL;
  cr_assert_eq(bk_shard_run_owners(&c, worlds, (size_t)n, &proxy), 0);
  c.shard_costs = costs;
  cr_assert_eq(bk_shard_run_owners(&c, worlds, (size_t)n, &measured), 0);
  // loads under the true costs; episode k is of task k / ninit
  double lp[3] = {0}, lm[3] = {0}, total = 0;
  for (int k = 0; k < n; k++) {
    cr_assert(proxy[k] >= 0 && proxy[k] < nshard && measured[k] >= 0 && measured[k] < nshard);
    lp[proxy[k]] += costs[k / ninit];
    lm[measured[k]] += costs[k / ninit];
    total += costs[k / ninit];
  }
  double wp = fmax(lp[0], fmax(lp[1], lp[2])), wm = fmax(lm[0], fmax(lm[1], lm[2]));
  cr_expect_eq(lp[0] + lp[1] + lp[2], total);
  cr_expect_eq(lm[0] + lm[1] + lm[2], total);
  // 4 episodes of 20 over 3 shards: some shard holds two (40); the costs plan puts nothing
  // else there, the proxy's spreads the 16 cheap ones by count (hand-worked: 40 + 5)
  cr_expect_eq(wm, 40, "costs plan: slowest shard %g", wm);
  cr_expect_gt(wp, wm, "proxy plan %g should be worse than the costs plan %g", wp, wm);
  free(proxy);
  free(measured);
  for (int i = 0; i < ntask; i++) bk_world_free(worlds[tasks[i]]);
}

Test(shard, cost_files_are_checked) {
  char path[] = "/tmp/bokbo_costs_XXXXXX", err[512];
  double cost[BK_SUITE_NTASK];
  int have[BK_SUITE_NTASK];
  const char* bad[] = {"{\"tasks\": {\"0\": 0}}", "{\"tasks\": {\"10\": 1}}", "{\"tasks\": {\"x\": 1}}",
                       "{\"tasks\": [1, 2]}", "{\"tasks\": {\"1\": \"3\"}}"};
  for (int i = 0; i < 6; i++) {
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    const char* text = i < 5 ? bad[i] : "{\"unit\": \"s\", \"tasks\": {\"3\": 2.5, \"7\": 40}}";
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    int rc = bk_shard_costs_load(path, cost, have, err, sizeof err);
    if (i < 5) {
      cr_expect_neq(rc, 0, "accepted %s", text);
      cr_expect(strstr(err, path) != NULL, "the error names the file: %s", err);
    } else {
      cr_expect_eq(rc, 0, "%s", err);
      cr_expect(have[3] && have[7] && !have[0] && cost[3] == 2.5 && cost[7] == 40);
    }
    unlink(path);
    snprintf(path, sizeof path, "/tmp/bokbo_costs_XXXXXX");
  }
}
