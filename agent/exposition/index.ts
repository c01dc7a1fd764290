export { renderExposition, expositionChunks, escapeLabelValue, EXPOSITION_CONTENT_TYPE, type ExpositionSource, type ExpositionOptions } from './text-format';
export { formatExpositionFloat, formatGoFloatF, formatGoFloatG } from '../format/gofloat';
