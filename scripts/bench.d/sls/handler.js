// $connect for the serverless-offline peer: append the connection id to $IDS_FILE.
const fs = require("node:fs");
exports.connect = async (event) => {
  fs.appendFileSync(process.env.IDS_FILE, event.requestContext.connectionId + "\n");
  return { statusCode: 200 };
};
