"""Health document."""

from marshmallow import fields

from app.schemas import BaseSchema


class HealthChecksSchema(BaseSchema):
    database = fields.String()
    message_queue = fields.String()


class HealthSchema(BaseSchema):
    status = fields.String(metadata={"description": "ok or degraded"})
    version = fields.String()
    uptime_s = fields.Float()
    checks = fields.Nested(HealthChecksSchema)
    system = fields.Dict(metadata={"description": "admins only"})
