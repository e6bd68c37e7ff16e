import flask
import flask_smorest
from marshmallow import fields

from app.rest import Blueprint
from app.schemas import BaseSchema


def test_an_argument_schema_given_as_a_class_is_built_once():
    built = []

    class EchoArgs(BaseSchema):
        word = fields.String(required=True)

        def __init__(self, *args, **kwargs):
            built.append(self)
            super().__init__(*args, **kwargs)

    app = flask.Flask(__name__)
    app.config.update(API_TITLE="t", API_VERSION="1", OPENAPI_VERSION="3.0.3")
    bp = Blueprint("echo", __name__)

    @bp.route("/echo", methods=["POST"])
    @bp.arguments(EchoArgs)
    def echo(data):
        return data

    flask_smorest.Api(app).register_blueprint(bp)
    client = app.test_client()
    answers = [client.post("/echo", json={"word": w}).get_json() for w in ("a", "b")]

    assert answers == [{"word": "a"}, {"word": "b"}]
    assert len(built) == 1
