/** A python `package.module:Attribute` reference, as configs, plugin manifests and `plugins inspect` name models, data and losses. */
export const PYTHON_TARGET = /^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$/;
