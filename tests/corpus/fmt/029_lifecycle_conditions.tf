resource "aws_instance" "app" {
  ami = data.aws_ami.ubuntu.id
  instance_type = var.type
  lifecycle {
    prevent_destroy = true
    ignore_changes = [
      tags["LastModified"],
      user_data,
    ]
    replace_triggered_by = [aws_launch_template.lt.id]
    precondition {
      condition = data.aws_ami.ubuntu.architecture == "x86_64"
      error_message = "The selected AMI must be for the x86_64 architecture."
    }
    postcondition {
      condition     = self.public_dns != ""
      error_message = "EC2 instance must be in a VPC that has public DNS hostnames enabled."
    }
  }
}
