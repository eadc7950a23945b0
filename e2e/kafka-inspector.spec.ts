import { expect, test, type Page } from '@playwright/test';
import { Kafka, logLevel } from 'kafkajs';
import { startKafka, type KafkaBroker } from '../scripts/kafka/broker.mjs';
import { E2E_TOKEN } from '../playwright.config';

// The inspector of a Kafka node asks a real broker (this file's own) for its topics and a preview.
let broker: KafkaBroker;
const topic = `clicks-e2e-${Date.now()}`;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  broker = await startKafka({ quiet: true });
  const kafka = new Kafka({ clientId: 'e2e', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: Array.from({ length: 12 }, (_, i) => ({ value: JSON.stringify({ product_id: i, event_type: 'view' }) })) });
  await producer.disconnect();
});

test.afterAll(async () => {
  await broker?.stop();
});

async function select(page: Page, nodeId: string) {
  await page.locator(`.react-flow__node[data-id="${nodeId}"]`).click();
  const inspector = page.getByTestId('inspector');
  await expect(inspector).toContainText(nodeId);
  return inspector;
}

test('the Kafka source inspector lists the broker topics, picks one and previews its newest records', async ({ page }) => {
  await page.goto(`/?token=${E2E_TOKEN}`);
  await page.getByTestId('templates-select').selectOption('kafka-trending-products');
  const inspector = await select(page, 'clicks');
  await inspector.getByTestId('param-brokers.0').fill(broker.brokers[0]!);
  await inspector.getByTestId('kafka-load-topics').click();
  const picker = inspector.getByTestId('kafka-topic-picker');
  await expect(picker.locator('option', { hasText: topic })).toHaveCount(1);
  await picker.selectOption(topic);
  await expect(inspector.getByTestId('param-topic')).toHaveValue(topic);
  await inspector.getByTestId('kafka-preview').click();
  const records = inspector.getByTestId('kafka-preview-record');
  await expect(records).toHaveCount(10);
  await expect(records.last()).toContainText('"product_id":11');

  // A broker list that is not host:port: the server's message is shown, nothing else happens.
  await inspector.getByTestId('param-brokers.0').fill('not a broker');
  await inspector.getByTestId('kafka-load-topics').click();
  await expect(inspector.getByTestId('kafka-error')).toContainText('host:port');
});
