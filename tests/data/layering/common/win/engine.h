/* common/win/engine.h of the broken tree. */
