terraform { required_version = ">= 1.5" }
locals {}
locals {   }
variable "empty" {}
variable "x" {   default = 1   }
resource "null_resource" "a" { triggers = { always = timestamp() } }
data "aws_caller_identity" "current" {
}
module "m" {   source="./modules/m"  }
