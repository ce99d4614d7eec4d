/* What the window's files share (sr-window.c: opening, recent files, zoom, messages; sr-window-reading.c: reading,
 * the systems on the page, playing with the live overlay; sr-window-project.c: projects). */
#pragma once

#include <gtk/gtk.h>

#include "sr-inspector.h"
#include "sr-window.h"

G_BEGIN_DECLS

struct _SrWindow {
  GtkApplicationWindow parent_instance;

  GtkStack *stack;
  SrPageView *page_view;
  GtkRevealer *banner_revealer;
  GtkBox *banner;
  GtkLabel *banner_label;
  GtkButton *banner_button;
  GtkMenuButton *recent_button;
  GtkButton *zoom_button;
  GtkButton *read_button;
  SrInspector *inspector;

  GMenu *recent_menu;
  GtkFileChooserNative *chooser;
  GCancellable *load_cancellable; /* set while a file is loading */
  GCancellable *read_cancellable; /* set while a page is being read */
  gboolean play_when_read;        /* Play was pressed before anything was read */
  guint overlay_tick;             /* the live overlay's frame callback, while the inspector plays */
  GFile *project_file;            /* where Save writes: the project opened or last saved */
  GBytes *score_bytes;            /* the score's bytes when it came from a project (no file of its own) */
  char *score_name;
  char *autosave_path;            /* this window's autosave project, once written */
  guint autosave_source;          /* the pending autosave */
  GArray *overlay_frame_us;       /* gint64: how long each overlay frame's work took */
};

/* sr-window.c */
char *sr_window_display_name (GFile *file);
void sr_window_show_message (SrWindow *self, gboolean is_error, const char *text);
void sr_window_hide_message (SrWindow *self);

/* sr-window-reading.c */
void sr_window_show_systems_on_page (SrWindow *self, const GArray *systems);
void sr_window_inspected_system_changed (SrWindow *self);
void sr_window_mark_activated (SrWindow *self, guint index);
void sr_window_inspector_playing_changed (SrWindow *self);
void sr_window_play_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data);
void sr_window_read_page_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data);
void sr_window_cancel_reading_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data);
void sr_window_read_marks_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data);
void sr_window_marks_edited (SrWindow *self);

/* sr-window.c: a message with a button that activates ACTION (a detailed action name) */
void sr_window_show_offer (SrWindow *self, const char *text, const char *button_label, const char *action);

/* sr-window-project.c */
void sr_window_open_project (SrWindow *self, GFile *file);
/* The window's work as a project written to PATH (Save's file is not changed). */
gboolean sr_window_write_project (SrWindow *self, const char *path, GError **error);

/* sr-window-autosave.c */
void sr_window_autosave_schedule (SrWindow *self);
void sr_window_autosave_discard (SrWindow *self);
void sr_window_recover_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data);
void sr_window_save_project_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data);

G_END_DECLS
