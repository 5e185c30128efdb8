/** The resources behind the sidebar tree: the session and its lists (./session), the trust summary (./trust), the actions (./actions). */
export * from './actions';
export * from './paging';
export * from './session';
export * from './trust';
