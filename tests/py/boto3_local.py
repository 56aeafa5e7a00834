"""boto3 against `wsadm local`: the API Gateway v2 and @connections clients, and their error classes.

Usage: boto3_local.py ENDPOINT  (prints the created API id and stage on success)
"""
import sys

import boto3

endpoint = sys.argv[1]
assert endpoint.startswith("http://127.0.0.1:"), endpoint
kw = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="local", aws_secret_access_key="local")
gw = boto3.client("apigatewayv2", **kw)

api = gw.create_api(Name="boto", ProtocolType="WEBSOCKET", RouteSelectionExpression="$request.body.action")
api_id = api["ApiId"]
assert api["ApiEndpoint"] == endpoint.replace("http://", "ws://") + "/apis/" + api_id, api["ApiEndpoint"]
integ = gw.create_integration(ApiId=api_id, IntegrationType="MOCK")
gw.create_route(ApiId=api_id, RouteKey="$default", Target="integrations/" + integ["IntegrationId"])
auth = gw.create_authorizer(
    ApiId=api_id,
    Name="jwt",
    AuthorizerType="REQUEST",
    IdentitySource=["route.request.querystring.token"],
    AuthorizerUri="arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations",
)
gw.create_stage(
    ApiId=api_id,
    StageName="prod",
    DefaultRouteSettings={"ThrottlingRateLimit": 100.0, "ThrottlingBurstLimit": 50, "LoggingLevel": "ERROR"},
)
assert [a["ApiId"] for a in gw.get_apis()["Items"]] == [api_id]
assert gw.get_authorizers(ApiId=api_id)["Items"][0]["AuthorizerId"] == auth["AuthorizerId"]
assert gw.get_stage(ApiId=api_id, StageName="prod")["DefaultRouteSettings"]["ThrottlingBurstLimit"] == 50


def expect(exc, fn, **args):
    try:
        fn(**args)
    except exc:
        return
    raise AssertionError(f"{fn.__name__}({args}) did not raise {exc.__name__}")


expect(gw.exceptions.ConflictException, gw.create_route, ApiId=api_id, RouteKey="$default")
expect(gw.exceptions.ConflictException, gw.create_stage, ApiId=api_id, StageName="prod")
expect(gw.exceptions.NotFoundException, gw.get_api, ApiId="nope123456")
expect(
    gw.exceptions.BadRequestException,
    gw.create_stage,
    ApiId=api_id,
    StageName="loud",
    DefaultRouteSettings={"LoggingLevel": "LOUD"},
)
expect(
    gw.exceptions.BadRequestException,
    gw.create_route,
    ApiId=api_id,
    RouteKey="send",
    AuthorizationType="CUSTOM",
    AuthorizerId=auth["AuthorizerId"],
)

mgmt = boto3.client("apigatewaymanagementapi", **{**kw, "endpoint_url": f"{endpoint}/apis/{api_id}/prod"})
expect(mgmt.exceptions.GoneException, mgmt.post_to_connection, ConnectionId="Gone0000000=", Data=b"x")
expect(mgmt.exceptions.GoneException, mgmt.get_connection, ConnectionId="Gone0000000=")
expect(mgmt.exceptions.PayloadTooLargeException, mgmt.post_to_connection, ConnectionId="Gone0000000=", Data=b"x" * 131073)
print(api_id, "prod")
