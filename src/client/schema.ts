/**
 * The shape of a server's catalog as TypeScript types (what `vane types` generates): stream name →
 * event type, view name → row type. Interfaces and type aliases both fit.
 */
export interface ClientSchema {
  streams: object;
  views: object;
}

/** The schema of a client without a type parameter: any name, rows of unknown values. */
export interface AnySchema {
  streams: Record<string, Record<string, unknown>>;
  views: Record<string, Record<string, unknown>>;
}

export type StreamName<S extends ClientSchema> = keyof S['streams'] & string;
export type ViewName<S extends ClientSchema> = keyof S['views'] & string;
export type StreamEvent<S extends ClientSchema, K extends StreamName<S>> = S['streams'][K];
export type ViewRow<S extends ClientSchema, K extends ViewName<S>> = S['views'][K];
