// Test helpers other packages may use: fake flow tables and capture sources, and the factories that build them.
export {
  FakeCaptureFactories, FakeCaptureSource, FakeFlowTable, RecordingFlowSender, captureTestGraph, fakeFlow,
} from './capture/fakes.js';
