"""Outgoing webhooks reach public addresses only (real HTTP servers on loopback stand for the inside):
checked after resolving, at every redirect, connected to the address checked; an intranet gateway only
when the site allows it; and the 测试 button tells success or failure, never what answered."""
from __future__ import annotations

import ipaddress
import socket

import pytest
import sqlalchemy as sa

from tests.reminders.outbox_support import HttpSink, make_notification
from tracker.reminders.models import Delivery, DeliveryStatus, WebhookEndpoint, WebhookFormat
from tracker.reminders.outbox import deliver_pending, enqueue_deliveries


@pytest.fixture
def department(make):
    return make.department("市科技局")


@pytest.fixture
def nothing_allowed(app):
    """A site that allows no intranet gateway (the test configuration allows 127.0.0.1 for the other tests)."""
    app.config["WEBHOOK_ALLOWED_HOSTS"] = ""


def _endpoint(db, url: str, department=None, fmt=WebhookFormat.JSON) -> WebhookEndpoint:
    """Stored directly, as an address saved before the form checked it, or one whose DNS changed since."""
    endpoint = WebhookEndpoint(name="工作群", department_id=getattr(department, "id", None), url=url, format=fmt)
    db.session.add(endpoint)
    db.session.commit()
    return endpoint


def _deliver(db, make, department):
    enqueue_deliveries([make_notification(db, make.liaison(department), commit=False)])
    db.session.commit()
    deliver_pending()
    db.session.expire_all()
    return db.session.scalar(sa.select(Delivery).where(Delivery.webhook_id.is_not(None)))


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                                     "100.64.0.1", "0.0.0.0", "224.0.0.1", "240.0.0.1", "::1", "fe80::1",
                                     "fc00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "2002:7f00:1::",
                                     "64:ff9b::a00:1"])
def test_inside_addresses_are_not_public(address):
    from tracker.reminders.channels.destinations import is_public

    assert not is_public(ipaddress.ip_address(address))


def test_public_addresses_are():
    from tracker.reminders.channels.destinations import is_public

    assert all(is_public(ipaddress.ip_address(a)) for a in ("8.8.8.8", "114.114.114.114", "2400:3200::1"))


@pytest.mark.usefixtures("nothing_allowed")
def test_the_test_button_does_not_reach_a_loopback_server(db, office_client, department):
    with HttpSink(answer={"service": "internal admin console v1.2"}) as sink:
        endpoint = _endpoint(db, sink.url, department)
        page = office_client.post_form(f"/inbox/webhooks/{endpoint.id}/test",
                                       follow_redirects=True).get_data(as_text=True)
    assert sink.received == []
    assert "本机或内网" in page and "internal admin console" not in page


@pytest.mark.usefixtures("nothing_allowed")
@pytest.mark.parametrize("url", ["http://127.0.0.1:6379/", "http://10.0.0.5/robot", "http://169.254.169.254/latest",
                                 "http://[::ffff:127.0.0.1]:8080/", "http://localhost:5432/"])
def test_an_inside_address_is_refused_when_saved(db, office_client, url):
    response = office_client.post_form("/inbox/webhooks/new", {"name": "探测", "department_id": "0", "url": url,
                                                               "format": "json", "is_active": "y"})
    assert response.status_code == 200 and "本机或内网" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WebhookEndpoint)) == 0


@pytest.mark.usefixtures("nothing_allowed")
def test_the_outbox_does_not_deliver_to_loopback_either(db, make, department):
    with HttpSink() as sink:
        _endpoint(db, sink.url, department)
        delivery = _deliver(db, make, department)
    assert sink.received == []
    assert delivery.status == DeliveryStatus.FAILED and "not a public address" in delivery.last_error


def test_an_allowed_intranet_gateway_is_reached_by_network(app, db, make, department):
    app.config["WEBHOOK_ALLOWED_HOSTS"] = "10.0.0.0/8, 127.0.0.0/30"
    with HttpSink() as sink:
        _endpoint(db, sink.url, department)
        delivery = _deliver(db, make, department)
    assert len(sink.received) == 1 and delivery.status == DeliveryStatus.SENT


def test_an_allowed_intranet_gateway_is_reached_by_name(app, db, make, department):
    app.config["WEBHOOK_ALLOWED_HOSTS"] = "localhost"
    with HttpSink() as sink:
        _endpoint(db, sink.url.replace("127.0.0.1", "localhost"), department)
        delivery = _deliver(db, make, department)
    assert len(sink.received) == 1 and delivery.status == DeliveryStatus.SENT


def test_a_redirect_to_an_address_not_allowed_is_not_followed(app, db, make, department):
    """The allowed gateway answers 307 to another loopback address (127.0.0.2): that hop is checked too."""
    with HttpSink(host="127.0.0.2") as inside:
        with HttpSink(status=307, headers={"Location": inside.url}) as gateway:
            _endpoint(db, gateway.url, department)
            delivery = _deliver(db, make, department)
    assert len(gateway.received) == 1 and inside.received == []
    assert delivery.status == DeliveryStatus.FAILED and "127.0.0.2" in delivery.last_error


def test_a_redirect_to_an_allowed_address_delivers_the_same_message(app, db, make, department):
    app.config["WEBHOOK_ALLOWED_HOSTS"] = "127.0.0.0/24"
    with HttpSink(host="127.0.0.2") as moved:
        with HttpSink(status=308, headers={"Location": moved.url}) as old:
            _endpoint(db, old.url, department)
            delivery = _deliver(db, make, department)
    assert delivery.status == DeliveryStatus.SENT
    assert moved.received[0].body == old.received[0].body


def test_the_connection_goes_to_the_address_that_was_checked(app, db, make, department, monkeypatch):
    """DNS rebinding: the name answers an allowed address for the check, another one afterwards."""
    real_getaddrinfo = socket.getaddrinfo
    answers = iter(["127.0.0.1"])

    def rebinding_dns(host, port, *args, **kwargs):
        if host != "robot.rebind.test":
            return real_getaddrinfo(host, port, *args, **kwargs)
        address = next(answers, "127.0.0.2")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_dns)
    with HttpSink() as checked:
        with HttpSink(host="127.0.0.2", port=checked.server.server_port) as rebound:
            _endpoint(db, checked.url.replace("127.0.0.1", "robot.rebind.test"), department)
            delivery = _deliver(db, make, department)
    assert delivery.status == DeliveryStatus.SENT
    assert len(checked.received) == 1 and rebound.received == []


def test_the_test_button_shows_neither_the_answer_nor_the_socket_error(db, office_client, department):
    with HttpSink(status=500, answer={"banner": "redis_version:7.0.11"}) as sink:
        endpoint = _endpoint(db, sink.url, department)
        page = office_client.post_form(f"/inbox/webhooks/{endpoint.id}/test",
                                       follow_redirects=True).get_data(as_text=True)
    assert "测试消息发送失败" in page and "redis_version" not in page and "HTTP 500" not in page
    closed = _endpoint(db, "http://127.0.0.1:9/hook", department)
    page = office_client.post_form(f"/inbox/webhooks/{closed.id}/test", follow_redirects=True).get_data(as_text=True)
    assert "测试消息发送失败" in page and "Connection" not in page and "refused" not in page
