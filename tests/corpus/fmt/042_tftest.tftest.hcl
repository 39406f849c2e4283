variables {
  bucket_prefix = "test"
}
run "valid_string_concat" {
  command = plan
  assert {
    condition = aws_s3_bucket.bucket.bucket == "test-bucket"
    error_message = "S3 bucket name did not match expected"
  }
}
run "apply" {
  variables {
    x=1
  }
  expect_failures = [var.x]
}
