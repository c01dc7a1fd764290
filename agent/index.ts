/**
 * Lookout's public programmatic surface. Everything not re-exported here is
 * internal and may change.
 */
export { Service, type ServiceOptions, type ServiceState } from './service/service';
export { loadConfigFile, parseConfigText, defaultConfig, ConfigError, type LoadedConfig, type ConfigProblem } from './config/load';
export type { LookoutConfig } from './config/schema';
export type { Component, Consumer, Host } from './component/component';
export { RetryableError, PermanentError } from './component/component';
export {
  decodeJsonRequest, decodeProtoRequest, encodeJsonRequest, encodeProtoRequest, OtlpDecodeError,
} from './otlp/codec';
export type { Signal, SignalData } from './otlp/model';
export { BUILD_INFO } from './telemetry/build-info';
