resource "terraform_data" "ignored" {
  input            = "original"
  triggers_replace = "t1"

  lifecycle {
    ignore_changes = [input]
  }
}

resource "terraform_data" "all" {
  input = "original"

  lifecycle {
    ignore_changes = all
  }
}

resource "terraform_data" "tracked" {
  input = "original"
}
