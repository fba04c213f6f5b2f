/* facts about the two arenas shared by the world's assembly and indexing */
#ifndef BK_SIM_WORLD_INTERNAL_H
#define BK_SIM_WORLD_INTERNAL_H

#include "task/catalog.h"

typedef struct {
  const char* file;          /* scenes/arena/<file>.xml */
  int mounted;               /* 1: robot on a pedestal (table scenes) */
  double base[3];            /* robot0_base position */
  const char* surface_name;  /* fixture name regions refer to: main_table / floor */
  double surface[3];         /* origin of the region coordinates */
} bk_arena_info_t;

const bk_arena_info_t* bk_world_arena(bk_arena_t arena);

/* 1 for the categories that are part of the arena (table, floor) */
int bk_world_is_surface(const char* category);

#endif
