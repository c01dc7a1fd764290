/** Moved to agent/format/gofloat.ts (the one Go-float module). */
export { formatExpositionFloat, formatGoFloatF, formatGoFloatG } from '../format/gofloat';
