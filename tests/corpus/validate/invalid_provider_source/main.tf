terraform {
  required_providers {
    a = {
      source = "too/many/parts/here"
    }
  }
}
