# Top of file comment
// another style
/* block comment at top */

/*
 * multi-line block comment
 *   with indentation
 */
resource "aws_s3_bucket" "logs" { # trailing on block open
  bucket = "my-logs" # the bucket name
  acl = "private" // acl
  force_destroy = false /* inline block */
    # indented comment line
  tags = {
    # comment inside object
    Name = "logs" # name tag
    Env = "prod"    // env
  }
  /* comment before closing brace */
}
# between blocks



// after blank lines
resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id
  versioning_configuration {
    status = "Enabled"
  } # closing comment
}
# final comment without newline