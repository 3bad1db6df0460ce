#include "analysis/tcp_analyzer.hpp"

#include <gtest/gtest.h>

int placeholder;
