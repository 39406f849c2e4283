locals {
  greeting = "héllo wörld"
  emoji = "🚀 launch"
  cjk = "日本語"
  tags = {
    "Ünïcode" = "yes"
    "日本" = "no"
    plain = "maybe"
    "🙂" = "smile"
  }
  combining = "e\u0301"
}
# Комментарий на русском
resource "aws_s3_bucket" "b" { # 注释
  bucket = "données"   # données
  acl = "private"  # ok
}
