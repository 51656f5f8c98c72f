/** Most files one multi-file share may hold (listed and stored at share time). Pure: the dialog shows it too. */
export const MAX_SHARE_FILES = 10_000;
