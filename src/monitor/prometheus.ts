// Placeholder: this entry is being built.
export {};
