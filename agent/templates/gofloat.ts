/** Moved to agent/format/gofloat.ts (the one Go-float module); kept so template code imports it unchanged. */
export { formatFloat, type FloatFormat } from '../format/gofloat';
