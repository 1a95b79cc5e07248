#ifndef EDDY_CSQLITE3_SHIM_H
#define EDDY_CSQLITE3_SHIM_H
#include <sqlite3.h>
// SQLITE_TRANSIENT is a macro around a cast Swift cannot import.
static const sqlite3_destructor_type eddy_sqlite_transient = SQLITE_TRANSIENT;
#endif
