/** The Save dialog's replay, kept apart from the dialog so that the dialog's own changes merge cleanly. */
export { ReplayConfirm as SaveReplay } from './replay';
