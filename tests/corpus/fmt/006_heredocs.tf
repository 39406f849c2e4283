resource "aws_iam_policy" "p" {
  name = "p"
    policy = <<EOF
{
  "Version": "2012-10-17",
    "Statement": [
      {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
  ]
}
EOF
  description=<<-DESC
      Indented heredoc with ${var.name}
        and %{ if var.flag }flag%{ endif }
      DESC
}

locals {
  script = <<SCRIPT
#!/bin/bash
echo "hello ${ var.who }"   
  trailing spaces above are preserved
SCRIPT
  other = 1
  list_of_heredocs = [
    <<A
first
A
    ,
    <<-B
      second
    B
  ]
}
