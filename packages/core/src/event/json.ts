/** Any value JSON can carry. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject

/** A JSON object: string keys, JSON values. */
export interface JsonObject {
  [key: string]: JsonValue
}
