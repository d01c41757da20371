/** Where this library reports what it does; Nest's `Logger` fits as it is. */
export interface MessagingLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Warnings and errors to the console, routine messages dropped. */
export const consoleLogger: MessagingLogger = {
  log: () => undefined,
  warn: (message) => {
    console.warn(message);
  },
  error: (message) => {
    console.error(message);
  },
};
