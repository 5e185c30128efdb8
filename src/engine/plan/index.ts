/** The one plan model: types (./model), the apply loop (./apply), the formatter (./format). */
export * from './model';
export * from './apply';
export * from './format';
