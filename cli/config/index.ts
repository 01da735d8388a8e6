// Configuration of the sage-sql command: the schema of config.yaml and the layered loader.

export { loadConfig, formatConfig, configFilePath, ConfigError, type EffectiveConfig, type ConfigSetting, type ConfigInputs } from "./config-loader.js";
export { CONFIG_KEYS, envName, type ConfigValue } from "./config-schema.js";
