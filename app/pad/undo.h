/* undo.h — private to appstate.c and undo.c: one entry of the undo or redo
 * stack and the calls appstate.c makes before an edit and when freeing. */
#ifndef DIGITPAD_UNDO_H
#define DIGITPAD_UNDO_H

#include "appstate.h"

/* One entry of the undo or redo stack: a whole drawing state (drawings are
 * small: a few hundred points), and which kind of edit it is on the far side
 * of.  Only label edits touch the corrections store when undone. */
enum { EDIT_STROKE = 1, EDIT_CLEAR, EDIT_ERASE, EDIT_LABEL, EDIT_RESTORE };

typedef struct app_edit {
    ink_drawing d;
    int label;                    /* correction_label of that state */
    char id[DP_CORR_ID_LEN];
    unsigned run;
    int kind;
} app_edit;

/* Before an edit: remember the state for undo; a new edit ends redo.  0, or
 * -1 with "Out of memory: this edit cannot be undone" in the message. */
int app_push_edit(app_state *s, int kind);
/* Frees both stacks and empties them. */
void app_undo_free(app_state *s);

#endif
