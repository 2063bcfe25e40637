/**
 * What a serverless platform says about the function through its own variables. AWS Lambda names the function in
 * AWS_LAMBDA_FUNCTION_NAME: a better service name than a package.json shared by every function of a project (or
 * absent from a bundled one), and what AWS's and OpenTelemetry's Lambda layers use too. AWS_EXECUTION_ENV
 * (`AWS_Lambda_nodejs22.x`) is the runtime's own word that this is Lambda, as the aws-lambda resource detector reads it.
 */
import { readRaw, type ParseContext } from "./parsers.js";

export const readLambdaFunctionName = (ctx: ParseContext) => readRaw(ctx, "AWS_LAMBDA_FUNCTION_NAME");

export const inAwsLambda = (ctx: ParseContext) => readRaw(ctx, "AWS_EXECUTION_ENV")?.startsWith("AWS_Lambda_") === true;
