// What the integration suites' global setups hand to the tests (vitest `provide`/`inject`).
declare module 'vitest' {
  export interface ProvidedContext {
    /** bootstrap servers of the test Kafka broker, e.g. ['127.0.0.1:41234'] */
    kafkaBrokers: string[];
    /** postgres://postgres@127.0.0.1:<port>/riffle (trust auth) */
    postgresUrl: string;
  }
}
export {};
