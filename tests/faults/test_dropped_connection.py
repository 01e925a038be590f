"""A worker finishing just as RabbitMQ drops the connection: its ack (or requeue) fails
with the socket's error. The broker redelivers such a message by itself, so the consumer
must not raise: nameko would kill the whole service for it (seen when the broker was
restarted under notifications, test_servers_restarted.py)."""
import pytest

from kelisim.consumer import SettlingQueueConsumer


class LiveChannel:
    connection = object()  # nameko only tries to settle on a live channel


class DroppedMessage:
    channel = LiveChannel()
    delivery_tag = 7

    def __init__(self, error):
        self.error = error

    def ack(self):
        raise self.error

    def requeue(self):
        raise self.error


@pytest.mark.parametrize("error", [ConnectionResetError(104, "Connection reset by peer"),
                                   BrokenPipeError(32, "Broken pipe")])
def test_an_ack_or_requeue_on_a_dropped_connection_is_left_to_the_broker(error):
    consumer = SettlingQueueConsumer()
    for settle in (consumer.ack_message, consumer.requeue_message):
        consumer._unsettled.add((DroppedMessage.channel, DroppedMessage.delivery_tag))
        settle(DroppedMessage(error))  # does not raise
        assert not consumer._unsettled  # nor holds up a graceful stop
