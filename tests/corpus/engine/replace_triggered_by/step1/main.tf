variable "image" {
  type    = string
  default = "img:1"
}

resource "terraform_data" "image" {
  input = var.image
}

resource "terraform_data" "container" {
  input = "container"

  lifecycle {
    replace_triggered_by = [terraform_data.image]
  }
}

resource "terraform_data" "attr_trigger" {
  for_each = toset(["a", "b"])
  input    = each.key

  lifecycle {
    replace_triggered_by = [terraform_data.image.output]
  }
}

resource "terraform_data" "unrelated" {
  input = "stays"
}
