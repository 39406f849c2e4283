output "o" {
  value = aws_s3_bucket.nope.id
}
