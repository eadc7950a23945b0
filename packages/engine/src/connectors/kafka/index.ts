import type { KafkaClientFactory } from './client.js';
import { kafkajsClient } from './kafkajs-client.js';

/** The client library behind the Kafka connectors; the only place that picks the adapter. */
export const createKafkaClient: KafkaClientFactory = kafkajsClient;
